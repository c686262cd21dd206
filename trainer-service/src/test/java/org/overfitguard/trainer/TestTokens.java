package org.overfitguard.trainer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Real bearer tokens for the tests: a key pair made for this test run, its public key given to
 * quarkus-oidc (as the launcher does locally), tokens signed with its private key.
 */
public class TestTokens implements QuarkusTestResourceLifecycleManager {

    private static final KeyPair KEYS = generate();

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.public-key", Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded()));
    }

    @Override
    public void stop() {
    }

    /** A token of a caller with these roles. */
    public static String withRoles(String... roles) {
        return Jwt.issuer("overfit-guard-test").subject("tester").groups(Set.of(roles)).expiresIn(3600).sign(KEYS.getPrivate());
    }

    /** A submitter's token signed by some other key: must be refused. */
    public static String forged() {
        return Jwt.issuer("overfit-guard-test").subject("mallory").groups(Set.of("submitter")).expiresIn(3600).sign(generate().getPrivate());
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
