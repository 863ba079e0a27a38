using System.ComponentModel.DataAnnotations;

namespace Itsm.Api.Validation;

/// <summary>
/// Optional text that, when given, holds more than blanks: the service trims what it stores, so "  " (or U+3000) would
/// otherwise pass the length check and be stored empty.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class NotBlankAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string text || !string.IsNullOrWhiteSpace(text)) return ValidationResult.Success;
        var name = validationContext.MemberName is { } member ? [member] : Array.Empty<string>();
        return new ValidationResult($"{validationContext.DisplayName} holds only blanks.", name);
    }
}
