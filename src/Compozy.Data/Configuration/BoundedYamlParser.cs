using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Compozy.Data.Configuration;

/// <summary>
/// A YAML parser that stops a document at the first event past <see cref="ConfigurationFileLimits"/>,
/// before the representation model is built from it: nesting deeper than
/// <see cref="ConfigurationFileLimits.MaxDepth"/> (the model is built recursively, so depth is
/// stack), or more than <see cref="ConfigurationFileLimits.MaxNodes"/> nodes once aliases are
/// expanded (an alias is a reference in the model, but reading the configuration visits it once
/// per use: ten aliases of ten aliases of ... is a billion values). An alias must refer to a node
/// completed before it: one inside the node it names would be a cycle, and a forward one could
/// not be counted.
/// </summary>
internal sealed class BoundedYamlParser(IParser inner) : IParser
{
    // The collections open at the current event, with their anchors and expanded sizes so far.
    private readonly Stack<(AnchorName Anchor, long Nodes)> _open = new();

    // Expanded size of every completed anchored node of the current document.
    private readonly Dictionary<AnchorName, long> _anchored = [];

    // Counted over the whole stream, not per document: only the first document is read, and a
    // file of a hundred thousand tiny documents costs as much to load as one large one.
    private long _streamNodes;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        switch (inner.Current)
        {
            case DocumentStart:
                _anchored.Clear();
                break;
            case AnchorAlias alias:
                Add(SizeOf(alias), alias);
                break;
            case Scalar scalar:
                Add(1, scalar);
                if (!scalar.Anchor.IsEmpty)
                {
                    _anchored[scalar.Anchor] = 1;
                }

                break;
            case SequenceStart or MappingStart:
                if (_open.Count >= ConfigurationFileLimits.MaxDepth)
                {
                    throw Refuse(inner.Current, string.Create(
                        CultureInfo.InvariantCulture,
                        $"the YAML nests deeper than {ConfigurationFileLimits.MaxDepth} levels here; allowed: at most {ConfigurationFileLimits.MaxDepth} levels of mappings and lists"));
                }

                _open.Push((((NodeEvent)inner.Current).Anchor, 1));
                break;
            case SequenceEnd or MappingEnd:
                var (anchor, nodes) = _open.Pop();
                if (!anchor.IsEmpty)
                {
                    _anchored[anchor] = nodes;
                }

                Add(nodes, inner.Current);
                break;
            default:
                break;
        }

        return true;
    }

    private long SizeOf(AnchorAlias alias)
    {
        if (_anchored.TryGetValue(alias.Value, out var nodes) && !_open.Any(open => open.Anchor == alias.Value))
        {
            return nodes;
        }

        throw Refuse(alias, _open.Any(open => open.Anchor == alias.Value)
            ? $"alias *{alias.Value} is inside the node &{alias.Value} it refers to; allowed: an alias to a node that ends before it"
            : $"alias *{alias.Value} refers to no anchor defined before it; allowed: an alias to an anchor (&{alias.Value}) earlier in the document");
    }

    // Counts `nodes` into the enclosing collection, or the stream when there is none. Every count
    // stays at most twice the limit, so nothing overflows.
    private void Add(long nodes, ParsingEvent at)
    {
        long total;
        if (_open.TryPop(out var parent))
        {
            total = parent.Nodes + nodes;
            _open.Push((parent.Anchor, total));
        }
        else
        {
            total = _streamNodes += nodes;
        }

        if (total > ConfigurationFileLimits.MaxNodes)
        {
            throw Refuse(at, string.Create(
                CultureInfo.InvariantCulture,
                $"the YAML expands to more than {ConfigurationFileLimits.MaxNodes} keys, values and collections here (aliases count once per use); allowed: at most {ConfigurationFileLimits.MaxNodes}"));
        }
    }

    private static YamlLimitException Refuse(ParsingEvent at, string message) => new(at.Start, at.End, message);
}
