//! [`Entries`]: the sorted map behind [`crate::ValueMap`].
//!
//! A resource's attributes are a few to a few dozen entries, read far more often than changed.
//! A `BTreeMap` spends a node of eleven slots (plus internal nodes past eleven entries) on each,
//! most of it empty; a vector sorted by key holds the same entries in about half the memory,
//! contiguously, and finds one by binary search. Insertion in key order (how maps are built
//! from another map, a `for` expression's result or JSON) appends; insertion out of order
//! shifts the tail, which is cheap at these sizes. Its API is the part of `BTreeMap`'s that
//! plcli uses, with the same semantics (sorted iteration, a later insert replaces).

use std::borrow::Borrow;
use std::cmp::Ordering;

/// How keys are ordered: as `Ord` orders them. Strings (nearly every key: attribute names,
/// map keys) are compared eight bytes at a time in line: they are short, and a call to
/// `memcmp` for each comparison of a binary search cost more than the comparison itself.
pub trait KeyOrd {
    fn key_cmp(&self, other: &Self) -> Ordering;
}

/// Lexicographic order of byte strings (`<[u8] as Ord>::cmp`).
#[inline]
pub fn bytes_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let x = u64::from_be_bytes(a[i..i + 8].try_into().expect("eight bytes"));
        let y = u64::from_be_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        if x != y {
            return x.cmp(&y);
        }
        i += 8;
    }
    while i < n {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
        i += 1;
    }
    a.len().cmp(&b.len())
}

impl KeyOrd for str {
    #[inline]
    fn key_cmp(&self, other: &Self) -> Ordering {
        bytes_cmp(self.as_bytes(), other.as_bytes())
    }
}

impl KeyOrd for String {
    #[inline]
    fn key_cmp(&self, other: &Self) -> Ordering {
        bytes_cmp(self.as_bytes(), other.as_bytes())
    }
}

impl KeyOrd for compact_str::CompactString {
    #[inline]
    fn key_cmp(&self, other: &Self) -> Ordering {
        bytes_cmp(self.as_bytes(), other.as_bytes())
    }
}

impl<T: KeyOrd + ?Sized> KeyOrd for &T {
    #[inline]
    fn key_cmp(&self, other: &Self) -> Ordering {
        (**self).key_cmp(*other)
    }
}

macro_rules! key_ord_as_ord {
    ($($t:ty),*) => {$(
        impl KeyOrd for $t {
            #[inline]
            fn key_cmp(&self, other: &Self) -> Ordering {
                self.cmp(other)
            }
        }
    )*};
}
key_ord_as_ord!(u32, u64, usize, i32, i64);

/// A map kept as a vector sorted by key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Entries<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for Entries<K, V> {
    fn default() -> Self {
        Entries { items: Vec::new() }
    }
}

impl<K, V> Entries<K, V> {
    /// An empty map, for statics.
    pub const fn new_const() -> Self {
        Entries { items: Vec::new() }
    }

    /// Room for one more entry, growing by an eighth (at least four) rather than doubling:
    /// most maps get a few entries added once after they are built (a resource's computed
    /// attributes), and doubling would leave up to half of each one empty for good.
    fn reserve_one(&mut self) {
        if self.items.len() == self.items.capacity() {
            self.items.reserve_exact((self.items.len() / 8).max(4));
        }
    }
}

impl<K: Ord + KeyOrd, V> Entries<K, V> {
    pub fn new() -> Self {
        Entries::default()
    }

    fn find<Q: KeyOrd + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.items.binary_search_by(|(k, _)| k.borrow().key_cmp(key))
    }

    /// [`Entries::find`] for an insertion: keys are appended in order most of the time, so
    /// the end is checked first.
    fn find_slot(&self, key: &K) -> Result<usize, usize> {
        match self.items.last() {
            None => Err(0),
            Some((last, _)) => match key.key_cmp(last) {
                Ordering::Greater => Err(self.items.len()),
                Ordering::Equal => Ok(self.items.len() - 1),
                Ordering::Less => self.items.binary_search_by(|(k, _)| k.key_cmp(key)),
            },
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get<Q: KeyOrd + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.items[i].1)
    }

    pub fn get_mut<Q: KeyOrd + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.items[i].1)
    }

    pub fn contains_key<Q: KeyOrd + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.entry(key) {
            Entry::Occupied(mut o) => Some(o.insert(value)),
            Entry::Vacant(v) => {
                v.insert(value);
                None
            }
        }
    }

    pub fn remove<Q: KeyOrd + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.items.remove(i).1)
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find_slot(&key) {
            Ok(i) => Entry::Occupied(OccupiedEntry { map: self, index: i }),
            Err(i) => Entry::Vacant(VacantEntry { map: self, index: i, key }),
        }
    }

    pub fn retain(&mut self, mut f: impl FnMut(&K, &mut V) -> bool) {
        self.items.retain_mut(|(k, v)| f(k, v));
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.items.iter())
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.items.iter_mut())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.items.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.items.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.items.iter_mut().map(|(_, v)| v)
    }

    /// Builds from entries already sorted by key, each key once (checked in debug builds),
    /// keeping the vector as it is.
    pub fn from_sorted(items: Vec<(K, V)>) -> Self {
        debug_assert!(items.is_sorted_by(|a, b| a.0.key_cmp(&b.0) == Ordering::Less));
        Entries { items }
    }

    /// Adds entries already sorted by key in one merging pass (no sort, one allocation of
    /// the exact size); of equal keys the added one wins, as with repeated inserts.
    pub fn extend_sorted(&mut self, added: Vec<(K, V)>) {
        debug_assert!(added.is_sorted_by(|a, b| a.0.key_cmp(&b.0) == Ordering::Less));
        if added.is_empty() {
            return;
        }
        let mut out = Vec::with_capacity(self.items.len() + added.len());
        let mut old = std::mem::take(&mut self.items).into_iter().peekable();
        for entry in added {
            while let Some(before) = old.next_if(|(k, _)| k.key_cmp(&entry.0) == Ordering::Less) {
                out.push(before);
            }
            // The added entry replaces an equal key.
            old.next_if(|(k, _)| k.key_cmp(&entry.0) == Ordering::Equal);
            out.push(entry);
        }
        out.extend(old);
        self.items = out;
    }

    /// Builds from entries in any order; of equal keys the last one wins (as repeated inserts).
    fn from_unsorted(mut items: Vec<(K, V)>) -> Self {
        if !items.is_sorted_by(|a, b| a.0.key_cmp(&b.0) == Ordering::Less) {
            // Stable: equal keys keep their order, and the last of each run is kept below.
            items.sort_by(|a, b| a.0.key_cmp(&b.0));
            let mut out: Vec<(K, V)> = Vec::with_capacity(items.len());
            for item in items {
                match out.last_mut() {
                    Some(last) if last.0 == item.0 => *last = item,
                    _ => out.push(item),
                }
            }
            items = out;
        }
        items.shrink_to_fit();
        Entries { items }
    }
}

impl<K: Ord + KeyOrd + Borrow<Q>, Q: KeyOrd + ?Sized, V> std::ops::Index<&Q> for Entries<K, V> {
    type Output = V;
    /// The value of a key that must be present (as `BTreeMap`'s indexing, it panics otherwise).
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: Ord + KeyOrd, V> FromIterator<(K, V)> for Entries<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Entries::from_unsorted(iter.into_iter().collect())
    }
}

impl<K: Ord + KeyOrd, V> Extend<(K, V)> for Entries<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let mut items = std::mem::take(&mut self.items);
        let sorted_before = items.len();
        let iter = iter.into_iter();
        items.reserve_exact(iter.size_hint().0);
        items.extend(iter);
        if items.len() > sorted_before {
            *self = Entries::from_unsorted(items);
        } else {
            self.items = items;
        }
    }
}

impl<K: Ord + KeyOrd, V> From<std::collections::BTreeMap<K, V>> for Entries<K, V> {
    fn from(m: std::collections::BTreeMap<K, V>) -> Self {
        let mut items = Vec::with_capacity(m.len());
        items.extend(m);
        Entries { items }
    }
}

impl<K: Ord + KeyOrd, V> From<Entries<K, V>> for std::collections::BTreeMap<K, V> {
    fn from(m: Entries<K, V>) -> Self {
        m.items.into_iter().collect()
    }
}

impl<K: std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for Entries<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.items.iter().map(|(k, v)| (k, v))).finish()
    }
}

impl<K, V> IntoIterator for Entries<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a Entries<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        Iter(self.items.iter())
    }
}

/// Entries in key order.
#[derive(Clone)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

/// Entries in key order, values mutable.
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

/// A place in the map for one key.
pub enum Entry<'a, K, V> {
    Occupied(OccupiedEntry<'a, K, V>),
    Vacant(VacantEntry<'a, K, V>),
}

pub struct OccupiedEntry<'a, K, V> {
    map: &'a mut Entries<K, V>,
    index: usize,
}

pub struct VacantEntry<'a, K, V> {
    map: &'a mut Entries<K, V>,
    index: usize,
    key: K,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, f: impl FnOnce() -> V) -> &'a mut V {
        match self {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(f()),
        }
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    pub fn and_modify(self, f: impl FnOnce(&mut V)) -> Self {
        match self {
            Entry::Occupied(mut o) => {
                f(o.get_mut());
                Entry::Occupied(o)
            }
            v => v,
        }
    }
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn get(&self) -> &V {
        &self.map.items[self.index].1
    }
    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.items[self.index].1
    }
    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.items[self.index].1
    }
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }
    pub fn remove(self) -> V {
        self.map.items.remove(self.index).1
    }
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn insert(self, value: V) -> &'a mut V {
        self.map.reserve_one();
        self.map.items.insert(self.index, (self.key, value));
        &mut self.map.items[self.index].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_as_a_btree_map() {
        // A fixed pseudo-random sequence of inserts, removes and entry updates, applied to both.
        let (mut ours, mut theirs) = (Entries::<u32, u32>::new(), BTreeMap::<u32, u32>::new());
        let mut x = 12345u32;
        for step in 0..20_000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let key = (x >> 16) % 500;
            match step % 5 {
                0 | 1 => assert_eq!(ours.insert(key, step), theirs.insert(key, step)),
                2 => assert_eq!(ours.remove(&key), theirs.remove(&key)),
                3 => {
                    *ours.entry(key).or_insert(0) += 1;
                    *theirs.entry(key).or_insert(0) += 1;
                }
                _ => {
                    ours.entry(key).and_modify(|v| *v *= 2).or_default();
                    theirs.entry(key).and_modify(|v| *v *= 2).or_default();
                }
            }
            assert_eq!(ours.get(&key), theirs.get(&key));
        }
        assert!(ours.iter().eq(theirs.iter()));
        ours.retain(|k, _| k % 3 == 0);
        theirs.retain(|k, _| k % 3 == 0);
        assert!(ours.iter().eq(theirs.iter()));
    }

    #[test]
    fn collecting_keeps_the_last_of_equal_keys() {
        let m: Entries<&str, u32> = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)].into_iter().collect();
        let b: BTreeMap<&str, u32> = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)].into_iter().collect();
        assert!(m.iter().eq(b.iter()));
        let mut e = m.clone();
        e.extend([("a", 9), ("d", 1)]);
        assert_eq!(e.get("a"), Some(&9));
        assert_eq!(e.keys().copied().collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn extend_sorted_is_extend() {
        let base: Vec<(u32, u32)> = (0..40).filter(|k| k % 3 != 0).map(|k| (k, k)).collect();
        for added in [vec![], vec![(0, 100)], vec![(1, 101), (2, 102), (39, 139), (45, 145)], (0..50).map(|k| (k, k + 200)).collect()] {
            let mut ours = Entries::from_sorted(base.clone());
            ours.extend_sorted(added.clone());
            let mut want: Entries<u32, u32> = base.iter().copied().collect();
            want.extend(added);
            assert_eq!(ours.iter().collect::<Vec<_>>(), want.iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn keys_compare_as_strings_do() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "b",
            "vpc_id",
            "vpc_ids",
            "vpc_endpoint_id",
            "vpc_endpoint_ids",
            "availability_zone",
            "availability_zone_id",
            "abcdefgh",
            "abcdefgi",
            "abcdefghi",
            "abcdefgh\u{e9}",
            "\u{e9}t\u{e9}",
            "Z",
            "zz",
            "\u{0}",
        ];
        for a in words {
            for b in words {
                assert_eq!(a.key_cmp(b), a.cmp(b), "{a:?} vs {b:?}");
                assert_eq!(String::from(a).key_cmp(&String::from(b)), a.cmp(b));
                assert_eq!(compact_str::CompactString::from(a).key_cmp(&compact_str::CompactString::from(b)), a.cmp(b));
            }
        }
    }
}
