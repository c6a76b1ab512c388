namespace RoamingGrpc.Domain.Pricing;

/// <summary>The VAT of one rate.</summary>
/// <param name="RatePercent">The rate, e.g. 19.</param>
/// <param name="TaxableAmount">Cost excl. VAT taxed at the rate (after min/max price), rounded to the minor unit.</param>
/// <param name="Amount">VAT at the rate, computed on the unrounded taxable amount and rounded once.</param>
public sealed record VatAmount(decimal RatePercent, decimal TaxableAmount, decimal Amount);
