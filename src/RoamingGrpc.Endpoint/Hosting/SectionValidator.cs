using Microsoft.Extensions.Options;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>The one validator of settings sections: the section's own <see cref="ISettingsSection.Problems"/>.</summary>
/// <typeparam name="TOptions">The section's options class.</typeparam>
internal sealed class SectionValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class, ISettingsSection
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems(section).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
