namespace Rally.Tests.Infrastructure;

/// <summary>Secrets of the test deployments only (never used anywhere else).</summary>
public static class TestSecrets
{
    public const string OperatorKey = "test-operator-key-0123456789abcdef";

    public const string PseudonymKey = "test-pseudonym-key-0123456789abcdef0123";

    public const string StudyIdKey = "test-study-id-key-0123456789abcdef01234";

    public const string CredentialKey = "test-credential-key-0123456789abcdef0123";

    public const string SigningKey = "test-signing-key-0123456789abcdef012345678";
}
