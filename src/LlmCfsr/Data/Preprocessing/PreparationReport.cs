namespace LlmCfsr.Data.Preprocessing;

/// <summary>Every count that changed while preparing a dataset, so that nothing is lost silently.</summary>
public sealed class PreparationReport
{
    /// <summary>Interactions, users and items given to the preprocessor.</summary>
    public (long Interactions, int Users, int Items) Input { get; internal set; }

    /// <summary>Whether items without text were dropped (<see cref="PreprocessingOptions.RequireText"/>).</summary>
    public bool TextRequired { get; internal set; }

    /// <summary>Items without any text attribute, and their interactions, dropped under <see cref="PreprocessingOptions.RequireText"/>.</summary>
    public (int Items, long Interactions) ItemsWithoutTextDropped { get; internal set; }

    /// <summary>Repeated (user, item) interactions removed (only with RemoveDuplicates).</summary>
    public long DuplicatesRemoved { get; internal set; }

    /// <summary>"none", "one-pass" or "k-core".</summary>
    public string FilterMode { get; internal set; } = "none";

    /// <summary>Filter passes run (k-core runs until nothing changes).</summary>
    public int FilterPasses { get; internal set; }

    /// <summary>Interactions, users and items removed by the minimum-count filters.</summary>
    public (long Interactions, int Users, int Items) RemovedByFilters { get; internal set; }

    /// <summary>Interactions cut by the maximum sequence length (oldest first).</summary>
    public long TruncatedInteractions { get; internal set; }

    /// <summary>Users dropped for having fewer than 3 interactions (leave-one-out needs 3), and their interactions.</summary>
    public (int Users, long Interactions) ShortUsersDropped { get; internal set; }

    /// <summary>Items that appear in sequences but have no attributes.</summary>
    public int ItemsWithoutAttributes { get; internal set; }

    /// <summary>Source ids of the first (up to 10) items without attributes.</summary>
    public IReadOnlyList<string> ItemsWithoutAttributesExamples { get; internal set; } = [];

    /// <summary>Attribute records whose item has no interaction left (not part of the prepared catalogue).</summary>
    public int UnusedAttributeRecords { get; internal set; }

    /// <summary>Interactions, users and items of the prepared dataset.</summary>
    public (long Interactions, int Users, int Items) Output { get; internal set; }

    /// <summary>Writes the report as indented "name: value" lines.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("Prepared:");
        writer.WriteLine($"  input                       {Input.Interactions:N0} interactions, {Input.Users:N0} users, {Input.Items:N0} items");
        if (TextRequired)
        {
            writer.WriteLine($"  items without text dropped  {ItemsWithoutTextDropped.Items:N0} items, {ItemsWithoutTextDropped.Interactions:N0} interactions");
        }
        writer.WriteLine($"  duplicates removed          {DuplicatesRemoved:N0}");
        writer.WriteLine($"  filters ({FilterMode}, {FilterPasses} pass(es)) removed {RemovedByFilters.Interactions:N0} interactions, {RemovedByFilters.Users:N0} users, {RemovedByFilters.Items:N0} items");
        writer.WriteLine($"  truncated by max length     {TruncatedInteractions:N0} interactions");
        writer.WriteLine($"  users with < 3 dropped      {ShortUsersDropped.Users:N0} users, {ShortUsersDropped.Interactions:N0} interactions");
        writer.WriteLine($"  items without attributes    {ItemsWithoutAttributes:N0}{(ItemsWithoutAttributes > 0 ? $" (e.g. {string.Join(", ", ItemsWithoutAttributesExamples)})" : "")}");
        writer.WriteLine($"  unused attribute records    {UnusedAttributeRecords:N0}");
        writer.WriteLine($"  output                      {Output.Interactions:N0} interactions, {Output.Users:N0} users, {Output.Items:N0} items");
    }
}
