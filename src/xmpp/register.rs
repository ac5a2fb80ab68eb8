//! XEP-0077 in-band registration. (Skeleton: filled in by the core work.)
