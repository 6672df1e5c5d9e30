using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Compozy.Data.Sqlite.Model;

/// <summary>
/// Detects a changed embedding by its values, not by the array reference, and snapshots a copy,
/// so that writing into the tracked array is saved like assigning a new one.
/// </summary>
/// <remarks>A class rather than a lambda in the customizer so that the compiled model can name it.</remarks>
internal sealed class SqliteEmbeddingComparer()
    : ValueComparer<float[]>((left, right) => EmbeddingBytes.AreEqual(left, right), values => values.Length, values => values.ToArray());
