namespace Rally.Grains.Ingestion;

/// <summary>A study's sink, keyed like its stream (<c>&lt;study id&gt;/&lt;shard&gt;</c>); activated by its implicit subscription.</summary>
[Alias("rally.study-sink-grain")]
public interface IStudySinkGrain : IGrainWithStringKey;
