using System.Buffers;

namespace Compozy.Data.Qdrant;

/// <summary>
/// The collection names Qdrant accepts when it creates one (its <c>validate_collection_name</c>
/// and the length limit on <c>CreateCollection.collection_name</c>), checked when the
/// configuration is read so that a name the server would refuse stops the start with exit code 2.
/// </summary>
internal static class QdrantCollectionNames
{
    public const int MaxLength = 255;

    private static readonly SearchValues<char> Forbidden = SearchValues.Create("<>:\"/\\|?*\0\u001F");

    /// <summary>What is wrong with <paramref name="name"/>, or <see langword="null"/> when Qdrant accepts it.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxLength)
        {
            return $"is not a collection name Qdrant accepts; allowed: 1 to {MaxLength} characters";
        }

        var index = name.AsSpan().IndexOfAny(Forbidden);
        return index < 0
            ? null
            : $"is not a collection name Qdrant accepts: it contains {Shown(name[index])}; allowed: any characters but < > : \" / \\ | ? * and control characters NUL and US";
    }

    private static string Shown(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : $"\"{c}\"";
}
