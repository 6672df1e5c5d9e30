using System.CommandLine;
using System.Globalization;
using Compozy.Data.CrashHarness;

var database = new Option<string>("--db") { Description = "SQLite database file.", Required = true };
var run = new Option<string>("--run") { Description = "Prefix of the ids this child writes.", Required = true };
var mode = new Option<HarnessMode>("--mode") { Description = "plain, checkpoint or maintenance.", DefaultValueFactory = _ => HarnessMode.Plain };
var synchronous = new Option<string>("--synchronous") { Description = "database.sqlite.synchronous of the child.", DefaultValueFactory = _ => "FULL" };
var write = new Command("write", "Child: write and acknowledge until killed.") { database, run, mode, synchronous };
write.SetAction((parse, _) => ChildWriter.RunAsync(parse.GetValue(database)!, parse.GetValue(run)!, parse.GetValue(mode), parse.GetValue(synchronous)!));

var tortureDatabase = new Option<string?>("--db") { Description = "Database file (default: a new one in a temporary directory)." };
var kills = new Option<int>("--kills") { Description = "How many times to kill the child.", DefaultValueFactory = _ => 1000 };
var seed = new Option<int>("--seed") { Description = "Random seed, to replay a run.", DefaultValueFactory = _ => Environment.TickCount };
var tortureSynchronous = new Option<string>("--synchronous") { Description = "database.sqlite.synchronous of the children.", DefaultValueFactory = _ => "FULL" };
var torture = new Command("torture", "Parent: kill the child repeatedly and verify after each kill; prints the totals.") { tortureDatabase, kills, seed, tortureSynchronous };
torture.SetAction(async (parse, _) =>
{
    var directory = Path.Combine(Path.GetTempPath(), $"compozy-crash-{Guid.NewGuid():N}");
    var path = parse.GetValue(tortureDatabase) ?? Path.Combine(directory, "compozy.db");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"database {path}, seed {parse.GetValue(seed)}"));
    var report = await KillLoop.RunAsync(Environment.ProcessPath!, path, parse.GetValue(kills), parse.GetValue(seed), parse.GetValue(tortureSynchronous)!, Console.Out);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"kills: {report.Kills} ({string.Join(", ", report.KillsByPhase.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Value} during {pair.Key}"))})"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"acknowledged transactions: {report.Acknowledged}; all present and whole after every kill: {report.Failures.Count == 0}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"failures: {report.Failures.Count}; elapsed {report.Elapsed.TotalSeconds:F0} s"));
    foreach (var failure in report.Failures.Take(50))
    {
        Console.WriteLine($"  {failure}");
    }

    return report.Failures.Count == 0 ? 0 : 1;
});

var root = new RootCommand("Kill -9 durability harness for Compozy.Data's SQLite write path.") { write, torture };
return await root.Parse(args).InvokeAsync();
