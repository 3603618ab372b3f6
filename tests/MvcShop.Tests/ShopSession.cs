using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace MvcShop.Tests;

/// <summary>One visitor: a cookie-keeping client, the last page (AngleSharp) and every pixel call seen so far.</summary>
public sealed class ShopSession(HttpClient client) : IDisposable
{
    private static readonly HtmlParser s_parser = new();

    public HttpClient Client { get; } = client;

    public IHtmlDocument Page { get; private set; } = null!;

    public Uri? Url { get; private set; }

    /// <summary>The pixel calls of the current page.</summary>
    public IReadOnlyList<PixelCall> Calls { get; private set; } = [];

    /// <summary>The measure calls of every page so far, with the page's path.</summary>
    public List<(string Path, PixelCall Call)> Measured { get; } = [];

    public async Task<IHtmlDocument> GetAsync(string url)
    {
        await LoadAsync(await Client.GetAsync(url));
        return Page;
    }

    /// <summary>Submits a form of the current page as a browser would: every named field (antiforgery token included), with overrides.</summary>
    public async Task<IHtmlDocument> SubmitAsync(string formSelector, IReadOnlyDictionary<string, string>? values = null)
    {
        var form = Page.QuerySelector(formSelector) as IHtmlFormElement
            ?? throw new InvalidOperationException($"No form '{formSelector}' on {Url}.");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            var (name, value) = element switch
            {
                IHtmlInputElement input => (input.Name, input.Value),
                IHtmlTextAreaElement area => (area.Name, area.Value),
                IHtmlSelectElement select => (select.Name, select.Value),
                _ => (null, null),
            };
            if (!string.IsNullOrEmpty(name) && values?.ContainsKey(name) != true)
            {
                fields.Add(KeyValuePair.Create(name, value ?? string.Empty));
            }
        }

        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            fields.Add(KeyValuePair.Create(name, value));
        }

        var action = new Uri(Url!, form.GetAttribute("action") ?? Url!.PathAndQuery);
        await LoadAsync(await Client.PostAsync(action, new FormUrlEncodedContent(fields)));
        return Page;
    }

    public void Dispose() => Client.Dispose();

    private async Task LoadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Url = response.RequestMessage!.RequestUri;
            Page = await s_parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
            Calls = PixelCall.Parse(Page.Head?.QuerySelector("script")?.TextContent);
            Measured.AddRange(Calls.Where(c => c.Command == "measure").Select(c => (Url!.AbsolutePath, c)));
        }
    }
}
