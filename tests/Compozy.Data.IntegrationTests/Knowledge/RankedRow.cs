namespace Compozy.Data.IntegrationTests.Knowledge;

/// <summary>A chunk id and its reference score.</summary>
internal sealed record RankedRow(string Id, double Score);
