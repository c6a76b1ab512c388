using System.Data.Common;

namespace RoamingGrpc.Storage;

/// <summary>Binding values to the named parameters of a reused (prepared) command.</summary>
public static class StatementParameters
{
    /// <summary>Sets parameter <paramref name="name"/> (created on first use) to <paramref name="value"/>; null binds NULL.</summary>
    public static DbCommand Bind(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameters = command.Parameters;
        var index = parameters.IndexOf(name);
        if (index < 0)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            parameters.Add(parameter);
        }
        else
        {
            parameters[index].Value = value ?? DBNull.Value;
        }

        return command;
    }
}
