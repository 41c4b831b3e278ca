namespace NhsCommunity.Reports;

/// <summary>
/// Files written into a folder as one unit. They go first into a staging folder beside the target (same parent,
/// so the same file system), and <see cref="Commit"/> moves them into place by renaming: a new folder is renamed
/// whole; into an existing folder each file is renamed over the old one, whose copy is kept until every file is in
/// place and put back if one fails. So a failure at any point leaves the previous files or none, never a mix.
/// Disposing removes the staging folder (with whatever was not committed).
/// </summary>
public sealed class StagedFolder : IDisposable
{
    private const string PreviousFolder = ".previous";

    private readonly List<string> _names = [];
    private string? _staging;

    public StagedFolder(string folder)
    {
        Target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        Parent = Path.GetDirectoryName(Target)
            ?? throw new ArgumentException($"'{Target}' is a root folder: give a folder inside it to write the report into.", nameof(folder));
        if (File.Exists(Target))
        {
            throw new IOException($"'{Target}' is a file, not a folder: give the path of a folder to write the report into (it is created if missing).");
        }
    }

    /// <summary>The folder the files end up in.</summary>
    public string Target { get; }

    private string Parent { get; }

    /// <summary>Where the files are until they are committed (null until the first file is written).</summary>
    public string? Staging => _staging;

    /// <summary>Writes one file into the staging folder (created, with the target's parent, on first use).</summary>
    public void Write(string name, ReadOnlySpan<byte> bytes)
    {
        if (_staging is null)
        {
            Directory.CreateDirectory(Parent);
            _staging = Directory.CreateDirectory(Path.Combine(Parent, $".{Path.GetFileName(Target)}.partial-{Guid.NewGuid():N}")).FullName;
        }

        using (FileStream file = new(Path.Combine(_staging, name), FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(bytes);

            // On disk before the rename: a crash after it cannot leave an empty file where the previous one was
            // (about 25 ms for the four files of a ten-year report).
            file.Flush(flushToDisk: true);
        }

        _names.Add(name);
    }

    /// <summary>Moves the staged files into the target folder (nothing to do when none was written).</summary>
    public void Commit()
    {
        if (_staging is null)
        {
            return;
        }

        if (!Directory.Exists(Target) && !File.Exists(Target))
        {
            Directory.Move(_staging, Target);
            _staging = null;
            return;
        }

        string previous = Directory.CreateDirectory(Path.Combine(_staging, PreviousFolder)).FullName;
        var moved = new List<(string Name, bool HadPrevious)>();
        try
        {
            foreach (string name in _names)
            {
                string target = Path.Combine(Target, name);
                bool hadPrevious = File.Exists(target);
                if (hadPrevious)
                {
                    File.Move(target, Path.Combine(previous, name));
                }

                moved.Add((name, hadPrevious));
                File.Move(Path.Combine(_staging, name), target);
            }
        }
        catch
        {
            PutBack(moved, previous);
            throw;
        }
    }

    public void Dispose()
    {
        if (_staging is not null && Directory.Exists(_staging))
        {
            Directory.Delete(_staging, recursive: true);
        }

        _staging = null;
    }

    /// <summary>Undoes a commit that failed part-way: each new file out, each previous file back.</summary>
    private void PutBack(List<(string Name, bool HadPrevious)> moved, string previous)
    {
        foreach (var (name, hadPrevious) in Enumerable.Reverse(moved))
        {
            string target = Path.Combine(Target, name);
            if (!File.Exists(Path.Combine(_staging!, name)) && File.Exists(target))
            {
                File.Delete(target);
            }

            if (hadPrevious)
            {
                File.Move(Path.Combine(previous, name), target, overwrite: true);
            }
        }
    }
}
