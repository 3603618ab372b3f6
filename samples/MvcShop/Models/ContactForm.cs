using System.ComponentModel.DataAnnotations;

namespace MvcShop.Models;

public sealed class ContactForm
{
    [Required, StringLength(100)]
    public string Name { get; set; } = "";

    [Required, EmailAddress]
    public string Email { get; set; } = "";

    [Required, StringLength(2000)]
    public string Message { get; set; } = "";
}
