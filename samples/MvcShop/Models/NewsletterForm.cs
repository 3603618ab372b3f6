using System.ComponentModel.DataAnnotations;

namespace MvcShop.Models;

public sealed class NewsletterForm
{
    [Required, EmailAddress]
    public string Email { get; set; } = "";

    public string? ReturnUrl { get; set; }
}
