namespace Compozy.Data.Startup;

/// <summary>
/// A check the start-up runs once the schema is current and before the store reports ready (for
/// example, that the configured vector databases are reachable and match the knowledge bases).
/// Throwing stops the start with the exception's message.
/// </summary>
public interface ISchemaStartupCheck
{
    /// <summary>Runs the check.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
