// One browser test at a time: each class starts its own shop and Chromium, and three of them at once on a 2-core CI
// machine (next to the other test assemblies) starve one another into navigation timeouts.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
