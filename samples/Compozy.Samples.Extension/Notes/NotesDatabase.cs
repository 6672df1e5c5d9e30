using Compozy.Data.Persistence;
using Compozy.Data.Writes;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Samples.Extension.Notes;

/// <summary>
/// The team's store for notes, built on Compozy's writer and read contexts: writes go through
/// <see cref="IDatabaseWriter"/> (on SQLite, Compozy's one writer connection, in its transaction;
/// on PostgreSQL, its retries), reads through Compozy's read contexts.
/// </summary>
public sealed class NotesDatabase(IDatabaseWriter writer, IDbContextFactory<CompozyDbContext> readContexts)
{
    /// <summary>
    /// Applies the notes migrations of the configured database. Call it after Compozy's own
    /// (starting the host applies them); it runs while no other write of this process runs.
    /// </summary>
    public Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default) =>
        writer.RunExclusiveAsync<IReadOnlyList<string>>(async (compozy, token) =>
        {
            await using var notes = NotesDbContext.On(compozy);
            var pending = (await notes.Database.GetPendingMigrationsAsync(token)).ToList();
            await notes.Database.MigrateAsync(token);
            return pending;
        }, cancellationToken);

    /// <summary>Replaces the notes of a workflow execution, in one transaction.</summary>
    public Task<int> ReplaceAsync(string workflowExecId, IEnumerable<string> texts, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(async (compozy, token) =>
        {
            await using var notes = NotesDbContext.On(compozy);
            await notes.Notes.Where(note => note.WorkflowExecId == workflowExecId).ExecuteDeleteAsync(token);
            var now = DateTime.UtcNow;
            notes.Notes.AddRange(texts.Select(text => new Note { WorkflowExecId = workflowExecId, Text = text, CreatedAt = now }));
            return await notes.SaveChangesAsync(token);
        }, cancellationToken);

    /// <summary>The notes of a workflow execution, oldest first.</summary>
    public async Task<IReadOnlyList<Note>> ListAsync(string workflowExecId, CancellationToken cancellationToken = default)
    {
        await using var compozy = await readContexts.CreateDbContextAsync(cancellationToken);

        // Opened by Compozy's context, so that its connection settings are applied.
        await compozy.Database.OpenConnectionAsync(cancellationToken);
        await using var notes = NotesDbContext.On(compozy);
        return await notes.Notes.AsNoTracking().Where(note => note.WorkflowExecId == workflowExecId).OrderBy(note => note.Id).ToListAsync(cancellationToken);
    }
}
