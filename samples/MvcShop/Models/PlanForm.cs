using System.ComponentModel.DataAnnotations;

namespace MvcShop.Models;

/// <summary>
/// A plan sign-up. A class rather than loose action parameters: MVC's Trace log prints action arguments, and a bound
/// class prints as its type name, so the email never reaches a log.
/// </summary>
public sealed class PlanForm
{
    [Required]
    public string PlanId { get; set; } = "";

    [EmailAddress]
    public string? Email { get; set; }
}
