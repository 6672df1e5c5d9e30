using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Compozy.Data.Configuration;

/// <summary>
/// Validated options that a running host may replace after a configuration reload. It is the
/// options factory and change token source behind <see cref="IOptionsMonitor{TOptions}"/> for
/// <typeparamref name="T"/>: a consumer of a live key reads <see cref="IOptionsMonitor{TOptions}.CurrentValue"/>
/// each cycle, or reacts in <see cref="OptionsMonitorExtensions.OnChange{TOptions}(IOptionsMonitor{TOptions}, Action{TOptions})"/>.
/// <see cref="IOptions{TOptions}"/> keeps the values the host started with, for the settings
/// that need a restart. Register it with <see cref="LiveOptionsServiceCollectionExtensions.AddLiveOptions{T}"/>.
/// </summary>
/// <typeparam name="T">The options type, validated as a whole before it is published.</typeparam>
public sealed class LiveOptions<T> : IOptionsFactory<T>, IOptionsChangeTokenSource<T>, IDisposable
    where T : class
{
    private readonly Lock _gate = new();
    private T _current;
    private CancellationTokenSource _changed = new();

    /// <summary>Starts with <paramref name="initial"/>, the options the host starts with.</summary>
    public LiveOptions(T initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
    }

    /// <summary>The options last published.</summary>
    public T Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <inheritdoc />
    public string Name => Options.DefaultName;

    /// <summary>
    /// Makes <paramref name="next"/> the current options and signals every
    /// <see cref="IOptionsMonitor{TOptions}"/> listener. <paramref name="next"/> must have passed the
    /// same validation as the options the host started with, and differ from them only in live keys.
    /// </summary>
    public void Publish(T next)
    {
        ArgumentNullException.ThrowIfNull(next);
        CancellationTokenSource previous;
        lock (_gate)
        {
            _current = next;
            previous = _changed;
            _changed = new CancellationTokenSource();
        }

        previous.Cancel();
        previous.Dispose();
    }

    /// <inheritdoc />
    public T Create(string name) => Current;

    /// <inheritdoc />
    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _changed.Dispose();
        }
    }
}
