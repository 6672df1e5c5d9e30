using System.Globalization;
using Compozy.Data.Entities;
using Compozy.Data.Errors;
using Compozy.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Compozy.Data.Stores.Tasks;

/// <summary>
/// Keeps the tasks of each workflow execution a forest, inside the transaction of a task upsert:
/// a task's parent is in the task's own workflow execution and is neither the task itself nor one
/// of its descendants, and a task with children stays in its workflow execution.
/// </summary>
/// <remarks>
/// <para>Concurrent upserts cannot close a loop together because every row a check relies on is
/// locked before it is read (the dialect's row lock on PostgreSQL; SQLite's single writer
/// excludes every other write): the task's own row, its new parent, and each ancestor of the
/// parent while the walk up the tree reads it. A transaction that would change one of those rows
/// waits, and its own checks then see this one's result. Two upserts that would each close the
/// loop of the other can deadlock instead; PostgreSQL aborts one, the writer runs it again, and
/// it is then refused.</para>
/// <para>An upsert that keeps the task's parent and workflow execution adds no edge and locks
/// nothing more than its own row, so status updates of running tasks do not wait for each other.</para>
/// </remarks>
internal sealed class TaskTreeGuard(CompozyDbContext context, IStoreDialect dialect)
{
    private const string ParentField = "parent_state_id";

    /// <summary>
    /// Locks the task's row and checks that writing <paramref name="next"/> keeps the tree a tree;
    /// returns the row as it was, or <see langword="null"/> for a new task.
    /// </summary>
    /// <exception cref="RequestValidationException">The parent is the task itself, one of its descendants, or in another workflow execution.</exception>
    /// <exception cref="CompozyDataException">
    /// <see cref="DbErrorKind.ForeignKey"/> for a parent that does not exist;
    /// <see cref="DbErrorKind.Conflict"/> for a move to another workflow execution while the task has children.
    /// </exception>
    public async Task<TaskState?> BeforeUpsertAsync(TaskState next, CancellationToken cancellationToken)
    {
        if (next.ParentStateId == next.TaskExecId)
        {
            throw new RequestValidationException(ParentField, "names the task itself; a task cannot be its own parent");
        }

        var previous = await LockAsync(next.TaskExecId, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(next, previous, existed: previous is not null, cancellationToken).ConfigureAwait(false);
        return previous;
    }

    /// <summary>
    /// Checks again after the upsert when it replaced a row that <see cref="BeforeUpsertAsync"/>
    /// did not see (another transaction inserted the same task meanwhile): its previous parent and
    /// workflow execution are unknown, so every check runs, now under the row's lock.
    /// </summary>
    public Task AfterUpsertAsync(TaskState next, TaskState? previous, TaskState stored, CancellationToken cancellationToken) =>
        previous is null && stored.CreatedAt != stored.UpdatedAt
            ? EnsureAsync(next, previous: null, existed: true, cancellationToken)
            : Task.CompletedTask;

    private async Task EnsureAsync(TaskState next, TaskState? previous, bool existed, CancellationToken cancellationToken)
    {
        // An existing row whose previous values are unknown counts as moved and re-parented.
        var moved = existed && previous?.WorkflowExecId != next.WorkflowExecId;
        if (moved)
        {
            await EnsureNoChildrenElsewhereAsync(next, cancellationToken).ConfigureAwait(false);
        }

        var newEdge = next.ParentStateId is not null && (!existed || moved || previous?.ParentStateId != next.ParentStateId);
        if (newEdge)
        {
            await EnsureParentAsync(next, mayHaveDescendants: existed, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsureNoChildrenElsewhereAsync(TaskState next, CancellationToken cancellationToken)
    {
        var children = await context.TaskStates.AsNoTracking()
            .Where(task => task.ParentStateId == next.TaskExecId && task.WorkflowExecId != next.WorkflowExecId)
            .OrderBy(task => task.TaskExecId)
            .Select(task => new { task.TaskExecId, task.WorkflowExecId })
            .Take(4)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        if (children.Count == 0)
        {
            return;
        }

        var named = string.Join(", ", children.Take(3).Select(child => $"'{child.TaskExecId}'")) + (children.Count > 3 ? ", ..." : string.Empty);
        throw CompozyDataException.Conflict(
            $"workflow_exec_id: task state '{next.TaskExecId}' has child tasks in workflow execution '{children[0].WorkflowExecId}' ({named}); " +
            $"it cannot move to workflow execution '{next.WorkflowExecId}' while it has children, since a task tree stays in one workflow execution");
    }

    private async Task EnsureParentAsync(TaskState next, bool mayHaveDescendants, CancellationToken cancellationToken)
    {
        var parentId = next.ParentStateId!;
        var parent = await LockAsync(parentId, cancellationToken).ConfigureAwait(false)
            ?? throw new CompozyDataException(
                DbErrorKind.ForeignKey,
                $"upsert task state: parent task state '{parentId}' not found",
                constraint: "fk_task_states_parent_state_id");
        if (parent.WorkflowExecId != next.WorkflowExecId)
        {
            throw new RequestValidationException(
                ParentField,
                $"task state '{parentId}' belongs to workflow execution '{parent.WorkflowExecId}', not '{next.WorkflowExecId}'; a parent must be in the task's own workflow execution");
        }

        if (!mayHaveDescendants)
        {
            // A task that did not exist has no descendants, so no parent can be one.
            return;
        }

        // Up from the parent to its root: reaching the task means the parent descends from it.
        var seen = new HashSet<string>(StringComparer.Ordinal) { parentId };
        var levels = 1;
        for (var current = parent.ParentStateId; current is not null; levels++)
        {
            if (current == next.TaskExecId)
            {
                throw new RequestValidationException(
                    ParentField,
                    string.Create(CultureInfo.InvariantCulture, $"task state '{parentId}' is a descendant of '{next.TaskExecId}' ({levels} {(levels == 1 ? "level" : "levels")} below it); making it the parent would close a loop"));
            }

            // A loop stored before these checks existed, which the task is not part of.
            if (!seen.Add(current))
            {
                return;
            }

            current = (await LockAsync(current, cancellationToken).ConfigureAwait(false))?.ParentStateId;
        }
    }

    private async Task<TaskState?> LockAsync(string taskExecId, CancellationToken cancellationToken)
    {
        // Not composed further: a locking clause must stay on the outermost SELECT. The clause is
        // a constant of the provider, never input; the id stays a parameter.
        var sql = System.Runtime.CompilerServices.FormattableStringFactory.Create(
            "SELECT * FROM \"task_states\" WHERE \"task_exec_id\" = {0}" + dialect.LockRowsClause, taskExecId);
        var rows = await context.TaskStates.FromSql(sql).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.SingleOrDefault();
    }
}
