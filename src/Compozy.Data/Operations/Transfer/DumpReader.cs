using System.Globalization;
using System.Text.Json;

namespace Compozy.Data.Operations.Transfer;

/// <summary>
/// Reads a dump line by line. Whatever does not parse, or does not fit the model, is reported
/// with its line number: as <see cref="DatabaseIntegrityException"/> when the file is damaged, as
/// <see cref="TransferRefusedException"/> when it is not a dump this build reads.
/// </summary>
internal sealed class DumpReader : IDisposable
{
    private readonly StreamReader _reader;
    private readonly IReadOnlyDictionary<string, DumpTable> _tables;
    private readonly string _source;
    private DumpTable? _current;
    private bool _ended;

    public DumpReader(Stream stream, IReadOnlyList<DumpTable> tables, string source)
    {
        _reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        _tables = tables.ToDictionary(table => table.Name, StringComparer.Ordinal);
        _source = source;
    }

    /// <summary>The number of the line read last.</summary>
    public long Line { get; private set; }

    /// <summary>Reads the header line.</summary>
    public async Task<DumpHeader> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        JsonDocument? first;
        try
        {
            first = await NextDocumentAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DatabaseIntegrityException exception)
        {
            // A first line that is not JSON is another kind of file, not a damaged dump.
            throw new TransferRefusedException($"{_source} is not a Compozy dump (its first line is not JSON); allowed: a file written by compozy db export; nothing was written", exception);
        }

        using var document = first
            ?? throw new TransferRefusedException($"{_source} is empty; allowed: a file written by compozy db export; nothing was written");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != DumpFormat.Name)
        {
            throw new TransferRefusedException($"{_source} is not a Compozy dump (its first line has no \"format\": \"{DumpFormat.Name}\"); allowed: a file written by compozy db export; nothing was written");
        }

        try
        {
            var version = root.GetProperty("version").GetInt32();
            if (version != DumpFormat.Version)
            {
                throw new TransferRefusedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{_source} is a dump in format version {version}; this build reads version {DumpFormat.Version}{(version > DumpFormat.Version ? ": import it with the newer build that wrote it" : string.Empty)}; nothing was written"));
            }

            var schema = root.GetProperty("schema");
            return new DumpHeader(
                version,
                root.GetProperty("created_at").GetString()!,
                root.GetProperty("source").GetProperty("driver").GetString()!,
                schema.GetProperty("migrations").EnumerateArray().Select(name => name.GetString()!).ToList());
        }
        catch (Exception exception) when (exception is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Damaged($"its header is incomplete ({exception.Message})", exception);
        }
    }

    /// <summary>The next line, or <see langword="null"/> after the end-of-dump line.</summary>
    public async Task<DumpRecord?> NextAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return null;
        }

        using var document = await NextDocumentAsync(cancellationToken).ConfigureAwait(false)
            ?? throw Damaged(_current is null
                ? "it ends without its end_of_dump line: the file is truncated"
                : $"it ends inside table {_current.Name}: the file is truncated", null);
        var root = document.RootElement;
        try
        {
            if (root.TryGetProperty("row", out var row))
            {
                var table = _current ?? throw new FormatException("a row comes before any table line");
                var values = new object?[table.Columns.Count];
                var count = 0;
                foreach (var _ in row.EnumerateObject())
                {
                    count++;
                }

                if (count != table.Columns.Count)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"a row of {table.Name} has {count} columns; the table has {table.Columns.Count}"));
                }

                for (var index = 0; index < values.Length; index++)
                {
                    var column = table.ColumnNames[index];
                    if (!row.TryGetProperty(column, out var value))
                    {
                        throw new FormatException($"a row of {table.Name} has no column {column}");
                    }

                    try
                    {
                        values[index] = DumpValues.Read(value, table.Columns[index]);
                    }
                    catch (FormatException exception)
                    {
                        throw new FormatException($"{table.Name}.{column} {exception.Message}", exception);
                    }
                }

                return new DumpRecord(DumpRecordKind.Row, table, values);
            }

            if (root.TryGetProperty("table", out var name))
            {
                if (_current is not null)
                {
                    throw new FormatException($"table {name.GetString()} starts before table {_current.Name} ended");
                }

                var table = _tables.GetValueOrDefault(name.GetString() ?? string.Empty)
                    ?? throw new TransferRefusedException($"{_source} line {Line} holds table {name.GetString()}, which this build's schema does not have; nothing was written");
                var columns = root.GetProperty("columns").EnumerateArray().Select(column => column.GetString()).ToList();
                if (!columns.Order(StringComparer.Ordinal).SequenceEqual(table.ColumnNames.Order(StringComparer.Ordinal)))
                {
                    throw new TransferRefusedException(
                        $"{_source} line {Line}: table {table.Name} has the columns {string.Join(", ", columns)}; this build's schema has {string.Join(", ", table.ColumnNames)}; nothing was written");
                }

                _current = table;
                return new DumpRecord(DumpRecordKind.Table, table);
            }

            if (root.TryGetProperty("end", out var end))
            {
                var table = _current is not null && end.GetString() == _current.Name
                    ? _current
                    : throw new FormatException($"the end of table {end.GetString()} does not close the table in progress ({_current?.Name ?? "none"})");
                _current = null;
                return new DumpRecord(DumpRecordKind.End, table, Rows: root.GetProperty("rows").GetInt64(), Checksum: root.GetProperty("sha256").GetString());
            }

            if (root.TryGetProperty("end_of_dump", out _))
            {
                if (_current is not null)
                {
                    throw new FormatException($"the dump ends inside table {_current.Name}");
                }

                _ended = true;
                return new DumpRecord(DumpRecordKind.EndOfDump, null, Rows: root.GetProperty("rows").GetInt64());
            }

            throw new FormatException("the line is neither a table, a row, a table's end nor the end of the dump");
        }
        catch (Exception exception) when (exception is FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw Damaged(exception.Message, exception);
        }
    }

    public void Dispose() => _reader.Dispose();

    private async Task<JsonDocument?> NextDocumentAsync(CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException exception)
        {
            // A gzip'd dump cut short or altered fails in the decompressor.
            throw Damaged($"it cannot be decompressed ({exception.Message})", exception);
        }

        if (line is null)
        {
            return null;
        }

        Line++;
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException exception)
        {
            throw Damaged($"the line is not JSON ({exception.Message})", exception);
        }
    }

    private DatabaseIntegrityException Damaged(string problem, Exception? inner)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"the dump {_source} is damaged at line {Line}: {problem}; nothing was written. Export it again");
        return inner is null ? new DatabaseIntegrityException(message) : new DatabaseIntegrityException(message, inner);
    }
}
