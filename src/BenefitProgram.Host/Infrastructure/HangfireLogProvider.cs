using Hangfire.Logging;

namespace BenefitProgram.Host.Infrastructure;

/// <summary>
/// Hangfire keeps its log provider in a process-wide static. When several hosts share a process (tests, or a host that
/// is restarted in-process) the default provider holds the first host's LoggerFactory and throws once that host is
/// disposed. This provider writes to the newest host's factory and drops the line instead of throwing when it is gone.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name) => new SafeLog(factory, name);

    private sealed class SafeLog(ILoggerFactory factory, string name) : ILog
    {
        private ILogger? logger;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                logger ??= factory.CreateLogger(name);
                var level = (Microsoft.Extensions.Logging.LogLevel)(int)logLevel;
                if (messageFunc is null)
                {
                    return logger.IsEnabled(level);
                }

                if (logger.IsEnabled(level))
                {
                    logger.Log(level, exception, "{Message}", messageFunc());
                }

                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
