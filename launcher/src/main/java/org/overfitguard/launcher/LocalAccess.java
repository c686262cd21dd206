package org.overfitguard.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * The local ensemble's access token, made fresh at every start (as Jupyter does): an RSA key pair
 * lives only in this process, trainer-service is given its public key (quarkus-oidc verifies
 * tokens against it), and the launcher signs one token with the submitter role for itself and for
 * the user, written to {@code <workdir>/token} (readable by its owner only) and printed with the URLs.
 */
public final class LocalAccess {

    static final String ISSUER = "overfit-guard-local";
    static final Duration LIFETIME = Duration.ofDays(30);

    private final KeyPair keys;
    private final String token;

    private LocalAccess(KeyPair keys, String token) {
        this.keys = keys;
        this.token = token;
    }

    public static LocalAccess create() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            return new LocalAccess(keys, sign(keys, "submitter"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no RSA", e);
        }
    }

    /** The bearer token of the submitter role. */
    public String token() {
        return token;
    }

    /** A token with other roles, signed by the same key (for tests of 403). */
    public String tokenWithRoles(String... roles) {
        return sign(keys, roles);
    }

    /** An RS256 JWT: issuer, subject, the roles as "groups" (where quarkus-oidc looks by default), expiry. */
    private static String sign(KeyPair keys, String... roles) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject("local-user");
        claims.setStringListClaim("groups", List.of(roles));
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(LIFETIME.toMinutes());
        claims.setGeneratedJwtId();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the local token", e);
        }
    }

    /** What trainer-service needs to verify the tokens: the public key, and OIDC switched on. */
    public List<String> trainerProperties() {
        return List.of("-Dquarkus.oidc.tenant-enabled=true", "-Dquarkus.oidc.public-key=" + publicKey());
    }

    /** The public key, as quarkus.oidc.public-key takes it (Base64 of its X.509 encoding). */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /** Writes the token to {@code file}, readable and writable by its owner only. */
    public void writeTo(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
