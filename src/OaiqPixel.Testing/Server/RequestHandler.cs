using System.Text;
using Microsoft.AspNetCore.Http;

namespace OaiqPixel.Testing.Server;

/// <summary>
/// The order of the steps for one request: read the body, take the next queued fault, apply it or the response delay,
/// process the request, record it, answer. A request is recorded just before its response is written (or when its
/// connection is aborted), which is what <see cref="FakeConversionsApi.WaitForRequestsAsync"/> promises.
/// </summary>
internal sealed class RequestHandler(
    FakeConversionsApiOptions options,
    RequestProcessor processor,
    Responder responder,
    RequestRecorder recorder,
    FaultQueue faults,
    EventStream stream)
{
    /// <summary>Handles one request; <paramref name="listeningToken"/> ends hangs and delays when the server stops.</summary>
    public async Task HandleAsync(HttpContext context, CancellationToken listeningToken)
    {
        if (await stream.TryAnswerAsync(context))
        {
            return;
        }

        var request = context.Request;
        var requestId = "req_" + Guid.NewGuid().ToString("N");
        if (options.SendRequestIds)
        {
            context.Response.Headers["x-request-id"] = requestId;
        }

        var receivedAt = options.TimeProvider.GetUtcNow();
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value.ToArray()), StringComparer.OrdinalIgnoreCase);

        var pid = request.Query["pid"];
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, listeningToken);
        var token = linked.Token;

        var bodyBytes = Array.Empty<byte>();
        var (eventCount, validateOnly) = (0, false);
        Fault? fault = null;

        ReceivedRequest Build(int? statusCode, bool aborted, ProcessingOutcome? outcome, string? responseBody) => new()
        {
            RequestId = requestId,
            ReceivedAt = receivedAt,
            Method = request.Method,
            Path = request.Path.Value ?? string.Empty,
            QueryString = request.QueryString.Value ?? string.Empty,
            PixelId = pid.Count == 0 ? null : pid.ToString(),
            Headers = headers,
            Body = processor.CountOnly ? string.Empty : Encoding.UTF8.GetString(bodyBytes),
            StatusCode = statusCode,
            Aborted = aborted,
            Fault = fault,
            EventCount = eventCount,
            ValidateOnly = validateOnly,
            ErrorMessage = outcome?.ErrorMessage,
            ResponseBody = responseBody,
        };

        void RecordAndAbort()
        {
            recorder.Commit(Build(null, aborted: true, null, null), []);
            context.Abort();
        }

        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, token);
            bodyBytes = buffer.ToArray();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            RecordAndAbort();
            return;
        }

        (eventCount, validateOnly) = RequestProcessor.Inspect(bodyBytes);
        fault = faults.Dequeue(pid.Count == 1 ? pid[0] : null);

        switch (fault?.Kind)
        {
            case FaultKind.Status:
                {
                    var responseBody = Responder.StatusBody(fault);
                    Responder.AddRetryAfter(context.Response, fault);
                    recorder.Commit(Build(fault.StatusCode, aborted: false, null, responseBody), []);
                    await Responder.WriteAsync(context, fault.StatusCode, responseBody);
                    return;
                }

            case FaultKind.ResetConnection:
                {
                    var outcome = fault.ProcessRequest ? processor.Validate(request, bodyBytes, eventCount, validateOnly) : null;
                    recorder.Commit(Build(null, aborted: true, outcome, outcome?.ResponseBody), outcome?.AcceptedEvents ?? []);
                    await Responder.ResetAsync(context, fault, outcome?.StatusCode ?? processor.SuccessStatusCode, outcome?.ResponseBody ?? "{}", token);
                    return;
                }

            case FaultKind.Hang when !await Responder.DelayAsync(fault.Duration, token):
                RecordAndAbort();
                return;
        }

        if (!await Responder.DelayAsync(responder.ResponseDelay, token))
        {
            RecordAndAbort();
            return;
        }

        var result = processor.Process(request, bodyBytes, eventCount, validateOnly);
        recorder.Commit(Build(result.StatusCode, aborted: false, result, result.ResponseBody), result.AcceptedEvents, result.CountedEvents);
        await Responder.WriteAsync(context, result.StatusCode, result.ResponseBody);
    }
}
