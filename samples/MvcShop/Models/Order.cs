namespace MvcShop.Models;

public sealed record Order(int Id, string Email, IReadOnlyList<CartLine> Lines, decimal Total, string Currency);
