namespace AuditKit.Middleware.Tests.Infrastructure;

/// <summary>
/// Counts the requests inside the pipeline, so a test can wait until the app has completely finished with the ones it
/// sent (a client may see the response before the middleware after it has written its audit event).
/// </summary>
public sealed class RequestTracker : IStartupFilter
{
    private readonly Lock _gate = new();
    private int _inFlight;
    private TaskCompletionSource _idle = NewIdle();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(TrackAsync);
        next(app);
    };

    public async Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        lock (_gate)
        {
            if (_inFlight++ == 0)
            {
                _idle = NewIdle();
            }
        }

        try
        {
            await next(context);
        }
        finally
        {
            lock (_gate)
            {
                if (--_inFlight == 0)
                {
                    _idle.TrySetResult();
                }
            }
        }
    }

    public async Task IdleAsync()
    {
        Task idle;
        lock (_gate)
        {
            if (_inFlight == 0)
            {
                return;
            }

            idle = _idle.Task;
        }

        await idle.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static TaskCompletionSource NewIdle() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
