namespace AuditKit.Server.Integrity;

/// <summary>What <see cref="CheckpointSignature.Verify"/> found.</summary>
internal enum CheckpointVerification
{
    /// <summary>The signature is that of the named key over the checkpoint as stored.</summary>
    Ok,

    /// <summary>No listed key has the checkpoint's key id: it cannot be checked (a key dropped from configuration, or a forged id).</summary>
    UnknownKey,

    /// <summary>The named key did not sign these bytes: the checkpoint (or its signature) was changed.</summary>
    BadSignature,
}
