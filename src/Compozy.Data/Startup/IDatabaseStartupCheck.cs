namespace Compozy.Data.Startup;

/// <summary>
/// A provider's check or recovery step that must finish before the host serves anything
/// (filesystem probe, crash recovery, integrity check). Runs before migrations, in registration
/// order; an exception stops the start.
/// </summary>
public interface IDatabaseStartupCheck
{
    /// <summary>Runs the check.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
