using System.ComponentModel.DataAnnotations;

namespace MvcShop.Models;

public sealed class CheckoutForm
{
    [Required, EmailAddress, Display(Name = "Email")]
    public string Email { get; set; } = "";

    [Required, StringLength(100), Display(Name = "Name on the order")]
    public string Name { get; set; } = "";
}
