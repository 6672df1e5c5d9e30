namespace Compozy.Data.Sqlite.Knowledge;

/// <summary>A chunk that made the top k, with its score as the contract defines it.</summary>
/// <param name="Id">The chunk id.</param>
/// <param name="Score">Cosine similarity or dot product (higher first), or L2 distance (lower first).</param>
internal readonly record struct EmbeddedHit(string Id, double Score);
