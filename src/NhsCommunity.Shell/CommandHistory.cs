namespace NhsCommunity.Shell;

/// <summary>The lines entered at the prompt, oldest first, for Up/Down recall (no immediate repeats).</summary>
internal sealed class CommandHistory
{
    private const int Capacity = 4096;
    private readonly List<string> _entries = [];

    public int Count => _entries.Count;

    public string this[int index] => _entries[index];

    public void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || (_entries.Count > 0 && _entries[^1] == line))
        {
            return;
        }

        if (_entries.Count == Capacity)
        {
            _entries.RemoveAt(0);
        }

        _entries.Add(line);
    }
}
