namespace Compozy.Data.Operations.Transfer;

/// <summary>
/// A dump or an import target cannot be used: the file is not a Compozy dump, the target holds
/// rows or is not migrated. The message names the file, table or migration and what is allowed.
/// Nothing was written.
/// </summary>
public sealed class TransferRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransferRefusedException()
        : this("the dump or the target database cannot be used")
    {
    }

    /// <summary>Creates the exception.</summary>
    public TransferRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TransferRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
