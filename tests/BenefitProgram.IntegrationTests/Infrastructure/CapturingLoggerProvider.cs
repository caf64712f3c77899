using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BenefitProgram.IntegrationTests.Infrastructure;

/// <summary>One log call as a provider saw it: the rendered message, every scope around it and the exception text.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, IReadOnlyList<string> Scopes, IReadOnlyDictionary<string, object?> ScopeValues, string? Exception)
{
    public string AllText => string.Join("\n", [Message, .. Scopes, Exception ?? ""]);
}

/// <summary>
/// A logger provider that keeps every line (message, scopes with their key/value pairs, exception) of one host, so tests
/// can assert what the platform writes to its logs. Its level is set under Logging:Capture:LogLevel (provider alias
/// "Capture"), independently of the console's.
/// </summary>
[ProviderAlias("Capture")]
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<CapturedLog> Logs { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Capturing(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopeTexts = new List<string>();
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            provider.scopes.ForEachScope((scope, _) =>
            {
                scopeTexts.Add(scope?.ToString() ?? "");
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        values[key] = value;
                        scopeTexts.Add($"{key}={value}");
                    }
                }
            }, (object?)null);
            if (state is IEnumerable<KeyValuePair<string, object?>> fields)
            {
                scopeTexts.AddRange(fields.Select(f => $"{f.Key}={f.Value}"));
            }

            provider.Logs.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), scopeTexts, values, exception?.ToString()));
        }
    }
}
