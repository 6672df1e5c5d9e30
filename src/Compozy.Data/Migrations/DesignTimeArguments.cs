namespace Compozy.Data.Migrations;

/// <summary>
/// Reads the arguments <c>dotnet ef</c> passes after <c>--</c> to a provider's design-time
/// context factory: one rule for every provider's factory, a provider of one's own included.
/// </summary>
public static class DesignTimeArguments
{
    private const string ConnectionFlag = "--connection";

    /// <summary>The value of <c>--connection</c>, or <see langword="null"/> when it is not given.</summary>
    /// <exception cref="ArgumentException">An argument other than <c>--connection VALUE</c> was given.</exception>
    public static string? Connection(IReadOnlyList<string> args)
    {
        string? connection = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == ConnectionFlag && i + 1 < args.Count)
            {
                connection = args[++i];
            }
            else
            {
                throw new ArgumentException(
                    $"unknown design-time argument '{args[i]}'; the only one accepted is {ConnectionFlag} \"CONNECTION STRING\" (after -- on the dotnet ef command line)",
                    nameof(args));
            }
        }

        return connection;
    }
}
