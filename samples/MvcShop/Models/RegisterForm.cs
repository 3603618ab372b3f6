using System.ComponentModel.DataAnnotations;

namespace MvcShop.Models;

public sealed class RegisterForm
{
    [Required, StringLength(100), Display(Name = "First name")]
    public string FirstName { get; set; } = "";

    [Required, StringLength(100), Display(Name = "Last name")]
    public string LastName { get; set; } = "";

    [Required, EmailAddress]
    public string Email { get; set; } = "";
}
