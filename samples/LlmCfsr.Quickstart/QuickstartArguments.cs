/// <summary>The quickstart's command line: --data PREPARED_DIR, --out DIR, --epochs N, --threads N (0 = automatic).</summary>
internal sealed record QuickstartArguments(string? DataFolder, string OutputFolder, int Epochs, int Threads)
{
    public static QuickstartArguments Parse(string[] args)
    {
        string? data = null;
        string output = "quickstart-output";
        int epochs = 20;
        int threads = 0;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--data": data = Value(); break;
                case "--out": output = Value(); break;
                case "--epochs":
                    epochs = int.TryParse(Value(), out var parsed) && parsed > 0 ? parsed : throw new ArgumentException("--epochs needs a positive whole number.");
                    break;
                case "--threads":
                    threads = int.TryParse(Value(), out var count) && count >= 0 ? count : throw new ArgumentException("--threads needs 0 (automatic) or a positive whole number.");
                    break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--data PREPARED_DIR] [--out DIR] [--epochs N] [--threads N]");
            }
        }
        return new QuickstartArguments(data, output, epochs, threads);
    }
}
