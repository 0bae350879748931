using System.Runtime.CompilerServices;

namespace AuditKit.Middleware.Tests;

public sealed class ExceptionTests
{
    [Fact]
    public async Task An_unhandled_exception_is_recorded_and_rethrown_untouched()
    {
        Exception? thrown = null;
        Exception? caughtOutside = null;
        await using var app = await AuditedApp.StartAsync(
            app => app.MapDelete("/api/orders/{id}", (string id) =>
            {
                thrown = new InvalidOperationException($"Order {id} is locked.");
                ThrowIt(thrown);
            }),
            beforeAuditing: app => app.Use(async (context, next) =>
            {
                try
                {
                    await next(context);
                }
                catch (Exception exception)
                {
                    caughtOutside = exception;
                    context.Response.StatusCode = 500;
                }
            }));

        await app.SendAsync(AuditedApp.Request(HttpMethod.Delete, "/api/orders/9"));

        caughtOutside.ShouldBeSameAs(thrown);
        caughtOutside!.StackTrace!.ShouldContain(nameof(ThrowIt));
        var e = app.SingleEvent();
        e.StatusCode.ShouldBe(500);
        e.Status.ShouldBe(AuditStatus.Failure);
        e.ErrorCode.ShouldBe("System.InvalidOperationException");
        e.ErrorMessage.ShouldBe("Order 9 is locked.");
        e.Severity.ShouldBe(AuditSeverity.High);
        e.Action.ShouldBe(AuditActions.Delete);
    }

    [Fact]
    public async Task Without_a_handler_the_exception_reaches_the_server()
    {
        await using var app = await AuditedApp.StartAsync(app => app.MapGet("/boom", string () => throw new FormatException("bad")));

        var exception = await Should.ThrowAsync<FormatException>(() => app.GetAsync("/boom"));

        exception.Message.ShouldBe("bad");
        await app.IdleAsync();
        var e = app.SingleEvent();
        e.ErrorCode.ShouldBe("System.FormatException");
        e.StatusCode.ShouldBe(500);
    }

    [Fact]
    public async Task A_request_re_executed_by_the_exception_handler_is_recorded_once()
    {
        await using var app = await AuditedApp.StartAsync(
            app =>
            {
                app.MapPost("/api/orders", string () => throw new InvalidOperationException("no stock"));
                app.Map("/error", () => Microsoft.AspNetCore.Http.Results.Problem("Something went wrong."));
            },
            beforeAuditing: app => app.UseExceptionHandler("/error"));

        var response = await app.SendAsync(AuditedApp.Request(HttpMethod.Post, "/api/orders"));

        ((int)response.StatusCode).ShouldBe(500);
        var e = app.SingleEvent();
        e.Path.ShouldBe("/api/orders");
        e.ErrorMessage.ShouldBe("no stock");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowIt(Exception exception) => throw exception;
}
