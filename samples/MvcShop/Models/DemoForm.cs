using System.ComponentModel.DataAnnotations;

namespace MvcShop.Models;

public sealed class DemoForm
{
    [Required, StringLength(100)]
    public string Name { get; set; } = "";

    [Required, EmailAddress]
    public string Email { get; set; } = "";

    [Required, DataType(DataType.Date)]
    public DateOnly? Date { get; set; }
}
