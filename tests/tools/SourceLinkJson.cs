// Prints the Source Link map (JSON) that a portable PDB carries, or fails when it has none. Used by tests/pack-check.sh:
//   dotnet run tests/tools/SourceLinkJson.cs -- path/to/Assembly.pdb
using System.Reflection.Metadata;
using System.Text;

// The custom debug information kind of a Source Link map (Portable PDB format specification).
var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");

if (args.Length != 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: SourceLinkJson.cs <portable .pdb>");
    return 2;
}

using var stream = File.OpenRead(args[0]);
using var provider = MetadataReaderProvider.FromPortablePdbStream(stream);
var reader = provider.GetMetadataReader();
foreach (var handle in reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition))
{
    var information = reader.GetCustomDebugInformation(handle);
    if (reader.GetGuid(information.Kind) == sourceLinkKind)
    {
        Console.WriteLine(Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value)));
        return 0;
    }
}

Console.Error.WriteLine($"{args[0]} has no Source Link map.");
return 1;
