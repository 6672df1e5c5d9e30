using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Compozy.Cli;

/// <summary>The JSON shape of every <c>--json</c> output: snake_case names, indented, nulls kept.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // The output goes to a terminal, a file or a pipe, never into HTML, so quotes and '+' in
        // error messages stay readable instead of becoming \u0027 and \u002B.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
