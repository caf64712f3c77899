using System.Reflection;
using NetArchTest.Rules;

namespace BenefitProgram.ArchitectureTests;

/// <summary>
/// Modules see each other only through their Contracts: a module's assembly may reference Common, its own Contracts
/// and other modules' Contracts, never another module's implementation. Contracts reference nothing of any module.
/// </summary>
public sealed class ModuleBoundaryTests
{
    private static readonly string[] Modules = ["Platform", "Members", "Catalog", "Rewards", "Reporting", "Notifications"];

    private static Assembly Load(string name) => Assembly.Load(name);

    public static TheoryData<string> ModuleNames() => new(Modules);

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void A_module_references_no_other_modules_implementation(string module)
    {
        var assembly = Load($"BenefitProgram.{module}");
        var others = Modules.Where(m => m != module).Select(m => $"BenefitProgram.{m}").ToHashSet();

        var referenced = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(others.Contains).ToList();
        Assert.True(referenced.Count == 0, $"{module} references the implementation of {string.Join(", ", referenced)}; use their Contracts.");

        // The same rule at type level: no type may use a type from another module's inner namespaces
        // (BenefitProgram.Catalog.Persistence, ...). Root-namespace types are caught by the reference check above.
        var forbidden = others
            .SelectMany(o => Load(o).GetTypes().Select(t => t.Namespace))
            .OfType<string>()
            .Where(ns => ns.StartsWith("BenefitProgram.", StringComparison.Ordinal)
                && ns.Split('.').Length > 2 && !ns.Contains(".Contracts", StringComparison.Ordinal))
            .Distinct()
            .ToArray();
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful, $"{module} uses internals of another module: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Contracts_reference_no_module_implementation(string module)
    {
        var contracts = Load($"BenefitProgram.{module}.Contracts");
        var implementations = Modules.Select(m => $"BenefitProgram.{m}").ToHashSet();
        var referenced = contracts.GetReferencedAssemblies().Select(a => a.Name!).Where(implementations.Contains).ToList();
        Assert.Empty(referenced);
    }

    [Fact]
    public void Common_references_no_module()
    {
        var common = Load("BenefitProgram.Common");
        Assert.DoesNotContain(common.GetReferencedAssemblies(), a => a.Name!.StartsWith("BenefitProgram.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Module_internals_are_not_public_except_requests_and_the_module_entry(string module)
    {
        // Request/response records must be public for minimal-API binding; entities and DbContexts must not be.
        var result = Types.InAssembly(Load($"BenefitProgram.{module}"))
            .That().ResideInNamespaceEndingWith(".Persistence")
            .Should().NotBePublic()
            .GetResult();
        Assert.True(result.IsSuccessful, $"Public persistence types in {module}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
