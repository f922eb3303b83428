namespace Rally.Grains.Storage;

/// <summary>Names of the Orleans providers that Rally's grains depend on.</summary>
public static class StorageNames
{
    /// <summary>The grain storage provider holding every Rally grain's state.</summary>
    public const string Rally = "rally";
}
