namespace Rally.Api.Hosting;

/// <summary>
/// A grain call that was in flight when a silo was declared dead, given up on at once rather than after the response
/// timeout (<see cref="TransientRetryFilter"/>): it may or may not have run. Answered 503 with <c>Retry-After</c>.
/// </summary>
internal sealed class CallLostException : Exception
{
    public CallLostException()
    {
    }

    public CallLostException(string message)
        : base(message)
    {
    }

    public CallLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
