namespace Compozy.Data.Operations;

/// <summary>How far a backup has come.</summary>
/// <param name="BytesWritten">Bytes of the copy written so far.</param>
/// <param name="BytesExpected">Size of the database being copied; the copy may end smaller (free pages are left out).</param>
public readonly record struct DatabaseBackupProgress(long BytesWritten, long BytesExpected);
