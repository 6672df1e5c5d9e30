namespace Compozy.Data.Startup;

/// <summary>
/// A provider's check or recovery step that must finish before anything writes to the database
/// (filesystem probe, integrity check, crash recovery). <see cref="DatabaseStartupChecks"/> runs
/// the checks in registration order, once per process: the host before migrations, every CLI
/// command that writes before it writes. An exception stops the start or the command; a check
/// that finds damage must throw before it changes anything.
/// </summary>
public interface IDatabaseStartupCheck
{
    /// <summary>Runs the check.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
