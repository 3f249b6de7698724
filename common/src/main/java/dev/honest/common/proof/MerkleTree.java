package dev.honest.common.proof;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * The Merkle Tree Hash of RFC 9162 §2.1.1 (the Certificate Transparency tree) over SHA-256, and
 * its inclusion proofs (§2.1.3).
 *
 * <pre>
 * MTH({})      = SHA-256()                                 (the empty string)
 * MTH({d0})    = SHA-256(0x00 || d0)                       (leaf hash)
 * MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))  for n &gt; 1,
 *                k the largest power of two smaller than n
 * </pre>
 * The 0x00 / 0x01 prefixes keep a leaf from ever hashing like an inner node.
 */
public final class MerkleTree {
  /** Bytes in a SHA-256 hash. */
  public static final int HASH_SIZE = 32;

  private static final HexFormat HEX = HexFormat.of();

  private MerkleTree() {}

  /** The root hash of the leaves, in order. */
  public static byte[] root(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      return DigestUtils.sha256(new byte[0]);
    }
    return subtree(leaves, 0, leaves.size());
  }

  /** {@link #root} as lowercase hex. */
  public static String rootHex(List<byte[]> leaves) {
    return HEX.formatHex(root(leaves));
  }

  /** {@code SHA-256(0x00 || leaf)}. */
  public static byte[] leafHash(byte[] leaf) {
    MessageDigest sha256 = DigestUtils.getSha256Digest();
    sha256.update((byte) 0x00);
    sha256.update(leaf);
    return sha256.digest();
  }

  /**
   * The audit path PATH(index, D[n]) of RFC 9162 §2.1.3.1: the sibling hashes from the leaf up to
   * the root, which with the leaf recompute the root.
   */
  public static List<byte[]> inclusionProof(int index, List<byte[]> leaves) {
    if (index < 0 || index >= leaves.size()) {
      throw new IndexOutOfBoundsException("leaf index " + index + " is outside a tree of " + leaves.size() + " leaves");
    }
    List<byte[]> path = new ArrayList<>();
    int from = 0;
    int to = leaves.size();
    int m = index;
    // Walk down from the root; each level's sibling is pushed in front, giving leaf-to-root order.
    while (to - from > 1) {
      int k = largestPowerOfTwoBelow(to - from);
      if (m < k) {
        path.add(0, subtree(leaves, from + k, to));
        to = from + k;
      } else {
        path.add(0, subtree(leaves, from, from + k));
        from += k;
        m -= k;
      }
    }
    return path;
  }

  /**
   * Whether {@code proof} shows {@code leaf} at {@code index} in the tree of {@code treeSize}
   * leaves whose root is {@code root} (RFC 9162 §2.1.3.2). Any malformed input is simply false.
   */
  public static boolean verifyInclusion(byte[] leaf, long index, long treeSize, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= treeSize || root == null || root.length != HASH_SIZE) {
      return false;
    }
    long fn = index;
    long sn = treeSize - 1;
    byte[] r = leafHash(leaf);
    for (byte[] p : proof) {
      if (sn == 0 || p == null || p.length != HASH_SIZE) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        // A right-edge node with no right sibling: climb until this node is a right child.
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  private static byte[] subtree(List<byte[]> leaves, int from, int to) {
    if (to - from == 1) {
      return leafHash(leaves.get(from));
    }
    int k = largestPowerOfTwoBelow(to - from);
    return nodeHash(subtree(leaves, from, from + k), subtree(leaves, from + k, to));
  }

  private static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest sha256 = DigestUtils.getSha256Digest();
    sha256.update((byte) 0x01);
    sha256.update(left);
    sha256.update(right);
    return sha256.digest();
  }

  /** For n &gt; 1: the k with k &lt; n &le; 2k. */
  private static int largestPowerOfTwoBelow(int n) {
    return Integer.highestOneBit(n - 1);
  }
}
