namespace Compozy.Data.Sqlite.FileSystem;

/// <summary>Tells which filesystem a directory is on; replaced in tests to simulate one.</summary>
internal interface IFileSystemProbe
{
    /// <summary>The filesystem of <paramref name="directory"/>, or of its nearest existing ancestor.</summary>
    FileSystemType Probe(string directory);
}
