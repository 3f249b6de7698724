package dev.honest.common.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The leaves of the Certificate Transparency reference tests (google/certificate-transparency, trillian). */
  private static final List<byte[]> CT_LEAVES = Stream.of(
      "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
      .map(HEX::parseHex).toList();

  /** Their published roots for the first 1..8 leaves. */
  private static final List<String> CT_ROOTS = List.of(
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  @Test
  void theEmptyTreeIsTheHashOfTheEmptyString() {
    assertThat(MerkleTree.rootHex(List.of())).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void rootsMatchTheCertificateTransparencyVectors() {
    for (int size = 1; size <= CT_LEAVES.size(); size++) {
      assertThat(MerkleTree.rootHex(CT_LEAVES.subList(0, size))).as("root of %d leaves", size).isEqualTo(CT_ROOTS.get(size - 1));
    }
  }

  @Test
  void rootsMatchAnIndependentBottomUpImplementation() {
    Random random = new Random(9162);
    for (int size = 0; size <= 70; size++) {
      List<byte[]> leaves = randomLeaves(random, size);

      assertThat(MerkleTree.root(leaves)).as("root of %d leaves", size).isEqualTo(bottomUpRoot(leaves));
    }
  }

  static Stream<Arguments> publishedInclusionProofs() {
    // (0-based leaf index, tree size, audit path) from the same reference tests.
    return Stream.of(
        Arguments.of(0, 1, List.of()),
        Arguments.of(0, 8, List.of(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
        Arguments.of(5, 8, List.of(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
        Arguments.of(2, 3, List.of("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
        Arguments.of(1, 5, List.of(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));
  }

  @ParameterizedTest(name = "leaf {0} of {1}")
  @MethodSource("publishedInclusionProofs")
  void inclusionProofsMatchThePublishedAuditPaths(int index, int size, List<String> path) {
    List<byte[]> leaves = CT_LEAVES.subList(0, size);

    List<byte[]> proof = MerkleTree.inclusionProof(index, leaves);

    assertThat(proof.stream().map(HEX::formatHex).toList()).isEqualTo(path);
    assertThat(MerkleTree.verifyInclusion(leaves.get(index), index, size, proof, HEX.parseHex(CT_ROOTS.get(size - 1)))).isTrue();
  }

  @Test
  void everyLeafOfEveryTreeSizeProvesItsInclusion() {
    List<byte[]> leaves = randomLeaves(new Random(6962), 33);
    for (int size = 1; size <= leaves.size(); size++) {
      List<byte[]> tree = leaves.subList(0, size);
      byte[] root = MerkleTree.root(tree);
      for (int index = 0; index < size; index++) {
        List<byte[]> proof = MerkleTree.inclusionProof(index, tree);

        assertThat(MerkleTree.verifyInclusion(tree.get(index), index, size, proof, root))
            .as("leaf %d of %d", index, size).isTrue();
      }
    }
  }

  @Test
  void aChangedLeafChangesTheRootAndFailsItsProof() {
    List<byte[]> leaves = new ArrayList<>(randomLeaves(new Random(1), 11));
    byte[] root = MerkleTree.root(leaves);
    List<byte[]> proof = MerkleTree.inclusionProof(6, leaves);
    byte[] changed = leaves.get(6).clone();
    changed[0] ^= 1;

    assertThat(MerkleTree.verifyInclusion(changed, 6, 11, proof, root)).isFalse();
    leaves.set(6, changed);
    assertThat(MerkleTree.root(leaves)).isNotEqualTo(root);
  }

  @Test
  void aProofFailsForAnotherIndexSizeRootOrPath() {
    List<byte[]> leaves = randomLeaves(new Random(2), 11);
    byte[] root = MerkleTree.root(leaves);
    byte[] leaf = leaves.get(6);
    List<byte[]> proof = MerkleTree.inclusionProof(6, leaves);
    byte[] flipped = proof.get(1).clone();
    flipped[31] ^= 1;
    byte[] otherRoot = root.clone();
    otherRoot[0] ^= 1;

    assertThat(MerkleTree.verifyInclusion(leaf, 6, 11, proof, root)).isTrue();
    assertThat(MerkleTree.verifyInclusion(leaf, 7, 11, proof, root)).isFalse();
    assertThat(MerkleTree.verifyInclusion(leaf, 5, 11, proof, root)).isFalse();
    assertThat(MerkleTree.verifyInclusion(leaf, 6, 22, proof, root)).isFalse();
    assertThat(MerkleTree.verifyInclusion(leaf, 6, 5, proof, root)).isFalse();
    assertThat(MerkleTree.verifyInclusion(leaf, 6, 11, proof, otherRoot)).isFalse();
    assertThat(MerkleTree.verifyInclusion(leaf, 6, 11, List.of(proof.get(0), flipped, proof.get(2), proof.get(3)), root)).isFalse();
    assertThat(MerkleTree.verifyInclusion(leaf, 6, 11, proof.subList(0, proof.size() - 1), root)).isFalse();
    List<byte[]> longer = new ArrayList<>(proof);
    longer.add(root);
    assertThat(MerkleTree.verifyInclusion(leaf, 6, 11, longer, root)).isFalse();
    assertThat(MerkleTree.verifyInclusion(leaf, 11, 11, proof, root)).isFalse();
  }

  @Test
  void aLeafIsNeverMistakenForAnInnerNode() {
    // Without the 0x00/0x01 prefixes, the two children's concatenation would hash like their parent.
    List<byte[]> leaves = CT_LEAVES.subList(0, 2);
    byte[] concatenated = concat(MerkleTree.leafHash(leaves.get(0)), MerkleTree.leafHash(leaves.get(1)));

    assertThat(MerkleTree.root(List.of(concatenated))).isNotEqualTo(MerkleTree.root(leaves));
  }

  @Test
  void aProofForALeafOutsideTheTreeIsRefused() {
    assertThatThrownBy(() -> MerkleTree.inclusionProof(3, CT_LEAVES.subList(0, 3)))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("leaf index 3 is outside a tree of 3 leaves");
  }

  /** RFC 9162's tree built level by level: pair neighbours, carry an unpaired last node up unchanged. */
  private static byte[] bottomUpRoot(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      return sha256(new byte[0]);
    }
    List<byte[]> level = new ArrayList<>();
    for (byte[] leaf : leaves) {
      level.add(sha256(concat(new byte[] {0}, leaf)));
    }
    while (level.size() > 1) {
      List<byte[]> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        up.add(i + 1 < level.size() ? sha256(concat(new byte[] {1}, level.get(i), level.get(i + 1))) : level.get(i));
      }
      level = up;
    }
    return level.get(0);
  }

  private static List<byte[]> randomLeaves(Random random, int count) {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] leaf = new byte[random.nextInt(40)];
      random.nextBytes(leaf);
      leaves.add(leaf);
    }
    return leaves;
  }

  private static byte[] concat(byte[]... parts) {
    byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
