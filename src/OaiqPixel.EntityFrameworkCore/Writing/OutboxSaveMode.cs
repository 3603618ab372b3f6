namespace OaiqPixel.EntityFrameworkCore.Writing;

/// <summary>How a save writes its records.</summary>
internal enum OutboxSaveMode
{
    /// <summary>As tracked rows of the save.</summary>
    Tracked,

    /// <summary>With <see cref="OutboxInsert"/> as the transaction EF Core begins for the save commits.</summary>
    AtCommit,

    /// <summary>
    /// The app turned EF Core's transactions off for the save (<c>AutoTransactionBehavior.Never</c>, no transaction
    /// open): each statement commits on its own, so a record in the save could commit though the app's changes fail; the
    /// records are written on their own once the save has succeeded instead.
    /// </summary>
    AfterSave,
}
