namespace MvcShop.Models;

/// <summary>What the shared Thanks view shows after a form's POST-redirect-GET.</summary>
public sealed record ThanksModel(string Title, string Message);
