using System.Linq.Expressions;
using System.Reflection;

namespace Itsm.Infrastructure.Sql;

/// <summary>A compiled reader of one property of an object whose type is known only at run time (statement arguments, rows).</summary>
internal static class PropertyGetter
{
    public static Func<object, object?> Compile(Type type, PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object));
        var read = Expression.Property(Expression.Convert(instance, type), property);
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), instance).Compile();
    }
}
